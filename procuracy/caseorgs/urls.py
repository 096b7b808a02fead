app_name = "caseorgs"
urlpatterns: list = []
