from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

# Staff sign in through allauth too, so its rate limits and verification apply to the admin.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "SaaSync staff"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("", include("connections.urls")),
    path("", include("sync.urls")),
    path("", include("saasync.accounts.urls")),
]
