"""The JSON API under /api/v1: one NinjaAPI mounting each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Doudi 兜底 API", version="1", urls_namespace="api")
