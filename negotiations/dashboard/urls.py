from django.urls import path

from negotiations.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("<slug:slug>/", views.dashboard, name="negotiation"),
    path("<slug:slug>/cell/", views.cell, name="cell"),
    path("<slug:slug>/value/", views.value, name="value"),
]
