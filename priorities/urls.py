from django.urls import path

from priorities import views

app_name = "priorities"

urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("mine/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/replan/", views.action_replan, name="action_replan"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/status/", views.action_status_update, name="action_status_update"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/rag/", views.action_rag_override, name="action_rag_override"),
    path("actions/<int:pk>/archive/", views.action_archive, name="action_archive"),
    path("actions/add/", views.action_create, name="action_create"),
    path("priorities/add/", views.priority_create, name="priority_create"),
    path("priorities/<int:pk>/archive/", views.priority_archive, name="priority_archive"),
    path("matrix/", views.matrix, name="matrix"),
    path("board-pack/", views.board_pack, name="board_pack"),
    path("board-pack.xlsx", views.board_pack_xlsx, name="board_pack_xlsx"),
    path("board-pack.pdf", views.board_pack_pdf, name="board_pack_pdf"),
    path("print.css", views.print_css, name="print_css"),
]
