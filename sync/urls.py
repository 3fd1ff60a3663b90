from django.urls import path

from sync import webhook_views

urlpatterns = [
    path("webhooks/woocommerce/<uuid:uuid>/", webhook_views.woocommerce_webhook, name="woocommerce_webhook"),
]
