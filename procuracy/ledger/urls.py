"""Pages of the ledger: the entries, one entry with its proof, and its proof bundle."""

from django.urls import path

from procuracy.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("<int:seq>/", views.entry_detail, name="entry"),
    path("<int:seq>/bundle", views.entry_bundle, name="bundle"),
]
