"""The JSON API under /api/v1: one NinjaAPI mounting each app's router.

Authentication and scoping: ``doudi.core.api_auth``; error shape: ``doudi.core.api_errors``.
The interactive docs (/api/v1/docs) use the Swagger UI bundled with django-ninja and served from
our own static files — no CDN, no online validator (government networks are closed).
"""

from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from doudi.accounts.api import router as accounts_router
from doudi.core import api_errors
from doudi.core.api_auth import api_auth
from doudi.policy.api import router as policy_router
from doudi.registry.api import router as registry_router

DESCRIPTION = """\
兜底（低收入人口动态监测和分层分类救助）系统的数据接口。

**认证**：每个账号可申领个人API令牌（`doudi token create 用户名 --name 用途`），
请求时放在 `Authorization: Bearer <令牌>` 或 `X-API-Token: <令牌>` 请求头中；
已登录网页的浏览器也可直接调用（修改类请求须带 `X-CSRFToken`）。

**数据范围**：所有查询只返回账号管辖区划（及其下级）内的数据；范围外的记录按“不存在”处理（404）。
身份证号默认脱敏，查看完整号码须有相应权限，且每次查看均记入审计日志。

**错误**：返回 JSON `{"error": "中文说明", "path": "出错的参数"}`；
参数错误为 422，未认证 401，无权限 403，不存在 404。
"""


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not ``\\uXXXX`` escapes (readable with curl)."""

    json_dumps_params = {"ensure_ascii": False}


api = api_errors.ChineseErrorsAPI(
    title="兜底 Doudi API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=api_auth(),
    renderer=Utf8JSONRenderer(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
api_errors.install(api)
api.add_router("/", accounts_router)
api.add_router("/", registry_router)
api.add_router("/", policy_router)
api.add_router("/batches", "doudi.exchange.api.router")
api.add_router("/", "doudi.monitoring.loop.api.router")
api.add_router("/", "doudi.casework.api.router")
api.add_router("/", "doudi.casework.api_cases.router")
api.add_router("/", "doudi.letters.api.router")
api.add_router("/", "doudi.payments.api.router")
api.add_router("/", "doudi.monitoring.needs.api.router")
api.add_router("/", "doudi.tempaid.api.router")
api.add_router("/", "doudi.complaints.api.router")
api.add_router("/", "doudi.disclosure.api.router")
api.add_router("/", "doudi.spotchecks.api.router")
api.add_router("/evaluation", "doudi.evaluation.api.router")
api.add_router("/", "doudi.dashboards.api.router")
api.add_router("/", "doudi.services.api.router")
api.add_router("/", "doudi.charity.api.router")
