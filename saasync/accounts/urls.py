from django.urls import path

from saasync.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("teams/new/", views.tenant_new, name="tenant_new"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("t/<slug:tenant_slug>/", views.tenant_dashboard, name="tenant_dashboard"),
    path("t/<slug:tenant_slug>/team/", views.team, name="team"),
]
