from django.urls import path

from procuracy.assignment import scheme_views, views

app_name = "assignment"
urlpatterns = [
    path("cases/<int:pk>/draw/", views.draw, name="draw"),
    path("cases/<int:pk>/complete-draw/", views.complete, name="complete"),
    path("cases/<int:pk>/designate/", views.designate, name="designate"),
    path("cases/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("audit/", views.audit, name="audit"),
    path("schemes/", scheme_views.scheme_list, name="schemes"),
    path("schemes/new/", scheme_views.draft, name="scheme_draft"),
    path("schemes/<int:pk>/", scheme_views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/revise/", scheme_views.revise, name="scheme_revise"),
    path("schemes/<int:pk>/approve/", scheme_views.approve, name="scheme_approve"),
    path("schemes/<int:pk>/discard/", scheme_views.discard, name="scheme_discard"),
]
