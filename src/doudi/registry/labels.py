"""Chinese names of registry codes that the pure policy rules need too: this module imports no Django, so
``policy.rules`` (which may not) and the registry's pages share one table."""

DISABILITY_KIND_ZH = {
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "physical": "肢体",
    "intellectual": "智力",
    "mental": "精神",
    "multiple": "多重",
}
