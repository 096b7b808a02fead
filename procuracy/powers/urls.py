"""Pages of the power lists: the lists, versions and items, the edit-and-approve flow,
delegations, refused attempts, the public page and the decision check."""

from django.urls import path

from procuracy.powers import views

app_name = "powers"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public, name="public"),
    path("check/", views.check, name="check"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/items/", views.add_item, name="add_item"),
    path("versions/<int:pk>/approve/", views.approve, name="approve"),
    path("versions/<int:pk>/discard/", views.discard, name="discard"),
    path("versions/<int:pk>/draft/", views.new_draft, name="new_draft"),
    path("versions/<int:pk>/import/", views.import_draft, name="import"),
    path("versions/<int:pk>/export.<str:format>", views.export, name="export"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/change/", views.change_item, name="change_item"),
    path("items/<int:pk>/remove/", views.remove_item, name="remove_item"),
    path("lists/<int:pk>/compare/", views.compare, name="compare"),
    path("additions/<int:pk>/", views.new_additions, name="new_additions"),
    path("delegations/<int:pk>/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/grant/", views.grant, name="grant"),
    path("delegations/revoke/<int:pk>/", views.revoke, name="revoke"),
    path("refusals/<int:pk>/", views.refusals, name="refusals"),
]
