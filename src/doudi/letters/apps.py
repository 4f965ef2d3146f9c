from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "doudi.letters"
    label = "letters"
    verbose_name = "文书"

    def ready(self) -> None:
        from doudi.core.shell import NavEntry, register_nav

        register_nav(
            104,
            NavEntry(
                "文书",
                "letters:list",
                views=("letters:list", "letters:detail", "letters:batch"),
            ),
        )
        register_nav(
            106,
            NavEntry("文书模板", "letters:templates", views=("letters:templates", "letters:template_edit")),
        )
