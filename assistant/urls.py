from django.urls import path

from assistant import views

urlpatterns = [
    path("portal/assistant/", views.chat, name="assistant_chat"),
    path("portal/assistant/send/", views.chat_send, name="assistant_send"),
    path("portal/assistant/new/", views.chat_new, name="assistant_new"),
    path("portal/assistant/poll/", views.chat_poll, name="assistant_poll"),
    path("console/assistant/", views.transcripts, name="assistant_transcripts"),
    path("console/assistant/<int:pk>/", views.transcript, name="assistant_transcript"),
    path("console/assistant/<int:pk>/live/", views.transcript_live, name="assistant_live"),
    path("console/assistant/<int:pk>/take/", views.take_over, name="assistant_take_over"),
    path("console/assistant/<int:pk>/reply/", views.agent_reply, name="assistant_agent_reply"),
    path("console/assistant/<int:pk>/release/", views.release, name="assistant_release"),
    path("console/assistant/dashboard/", views.dashboard, name="assistant_dashboard"),
    path("console/assistant/articles/", views.articles, name="assistant_articles"),
    path("console/assistant/articles/new/", views.article_edit, name="assistant_article_new"),
    path("console/assistant/articles/<int:pk>/", views.article_edit, name="assistant_article_edit"),
]
