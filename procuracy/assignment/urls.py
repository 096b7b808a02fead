from django.urls import path

from procuracy.assignment import views

app_name = "assignment"
urlpatterns = [
    path("cases/<int:pk>/draw/", views.draw, name="draw"),
    path("cases/<int:pk>/designate/", views.designate, name="designate"),
    path("cases/<int:pk>/reassign/", views.reassign, name="reassign"),
]
