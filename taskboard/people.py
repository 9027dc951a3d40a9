"""How Taskboard names a person, wherever it shows one (API, board, chat, widgets)."""

from django.contrib.auth.models import AbstractBaseUser


def user_display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()
