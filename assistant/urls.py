from django.urls import path

from assistant import views

urlpatterns = [
    path("portal/assistant/", views.chat, name="assistant_chat"),
    path("portal/assistant/send/", views.chat_send, name="assistant_send"),
    path("portal/assistant/new/", views.chat_new, name="assistant_new"),
    path("console/assistant/", views.transcripts, name="assistant_transcripts"),
    path("console/assistant/<int:pk>/", views.transcript, name="assistant_transcript"),
    path("console/assistant/dashboard/", views.dashboard, name="assistant_dashboard"),
    path("console/assistant/articles/", views.articles, name="assistant_articles"),
    path("console/assistant/articles/new/", views.article_edit, name="assistant_article_new"),
    path("console/assistant/articles/<int:pk>/", views.article_edit, name="assistant_article_edit"),
]
