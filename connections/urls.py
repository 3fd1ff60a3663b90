from django.urls import path

from connections import views, wizard_views

prefix = "t/<slug:tenant_slug>/connections/"
urlpatterns = [
    path(prefix + "new/", wizard_views.connection_new, name="connection_new"),
    path(prefix + "<uuid:uuid>/", views.connection_detail, name="connection_detail"),
    path(prefix + "<uuid:uuid>/keys/", wizard_views.connection_keys, name="connection_keys"),
    path(prefix + "<uuid:uuid>/checks/", wizard_views.connection_checks, name="connection_checks"),
    path(prefix + "<uuid:uuid>/checks/status/", wizard_views.connection_checks_status, name="connection_checks_status"),
    path(prefix + "<uuid:uuid>/chartmogul/", wizard_views.connection_chartmogul, name="connection_chartmogul"),
    path(prefix + "<uuid:uuid>/data-source/", wizard_views.connection_data_source, name="connection_data_source"),
    path(prefix + "<uuid:uuid>/webhooks/", wizard_views.connection_webhooks, name="connection_webhooks"),
    path(prefix + "<uuid:uuid>/summary/", wizard_views.connection_summary, name="connection_summary"),
    path(
        prefix + "<uuid:uuid>/webhook-secret/rotate/", views.connection_rotate_secret, name="connection_rotate_secret"
    ),
    path(prefix + "<uuid:uuid>/disconnect/", views.connection_disconnect_view, name="connection_disconnect"),
]
