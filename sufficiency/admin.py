"""The admin: data admins keep reference data and the users of their own authorities.

Who may manage whom is decided once, in sufficiency.roles (GRANTABLE_ROLES, users_manageable_by). Every
route here (list, change, password, delete, bulk actions, history and revert) goes through those rules,
and a save checks them again on the server whatever the browser posted. Only a superuser adds users,
edits groups, or changes a superuser, a staff user or another data admin.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from sufficiency.models import LocalAuthority, Team, User
from sufficiency.roles import (
    DATA_ADMIN,
    authority_limits,
    grantable_roles,
    has_role,
    user_manageable_by,
    users_manageable_by,
)

# Fields of a user that only a superuser may change, whatever form or revert carries them.
PROTECTED_USER_FIELDS = ("is_superuser", "is_staff", "password")


def _admin_has_permission(request) -> bool:
    """Data admins keep reference data (authorities, teams, users' teams) in the admin."""
    user = request.user
    return user.is_active and (user.is_staff or has_role(user, DATA_ADMIN))


admin.site.has_permission = _admin_has_permission


def grant_errors(actor, cleaned_data: dict) -> dict[str, str]:
    """Why the roles and authorities in a user form are not the actor's to give ({} when they are).

    Only fields present in cleaned_data are checked. A superuser may give anything."""
    if actor.is_superuser:
        return {}
    errors = {}
    if "groups" in cleaned_data:
        allowed = set(grantable_roles(actor))
        refused = sorted(g.name for g in cleaned_data["groups"] if g.name not in allowed)
        if refused:
            errors["groups"] = f"You may not give these roles: {', '.join(refused)}."
    if "local_authorities" in cleaned_data:
        limits = authority_limits(actor)
        if limits is not None:
            chosen = {la.pk for la in cleaned_data["local_authorities"]}
            if not chosen:
                errors["local_authorities"] = (
                    "Choose at least one authority: a user with none may see every authority."
                )
            elif not chosen <= limits:
                errors["local_authorities"] = "You may only give access to your own authorities."
    return errors


class PortalUserChangeForm(UserChangeForm):
    """The user change form; refuses roles and authorities the signed-in actor may not give."""

    actor = None  # the signed-in user, set by UserAdmin.get_form

    def clean(self):
        cleaned_data = super().clean()
        if self.actor is not None:
            for field, message in grant_errors(self.actor, cleaned_data).items():
                self.add_error(field, message)
        return cleaned_data


class RevertNeedsChangePermissionMixin:
    """django-simple-history accepts a revert from anyone who may only *view* the object; require change.

    The revert also runs in one transaction, so a refusal part-way through saves nothing."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not request.user.is_superuser:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(RevertNeedsChangePermissionMixin, BaseUserAdmin, SimpleHistoryAdmin):
    form = PortalUserChangeForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Portal", {"fields": ("job_title", "teams", "local_authorities")}),
    )
    filter_horizontal = ("groups", "user_permissions", "teams", "local_authorities")
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    list_filter = ("groups", "teams", "is_active")

    # ---- who sees and reaches which user ----

    def get_queryset(self, request):
        """The change list shows only the users the signed-in user may manage."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=users_manageable_by(request.user).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        """Find any user, so that reaching one out of scope is refused (403), not sent back to the index."""
        field = User._meta.pk if from_field is None else User._meta.get_field(from_field)
        try:
            return User._default_manager.get(**{field.name: field.to_python(object_id)})
        except (User.DoesNotExist, ValueError, forms.ValidationError):
            return None

    def _may_manage(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or user_manageable_by(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def has_add_permission(self, request):
        # The add form sets no role or authority; a user added without any would see every authority.
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        """An action the user is not offered (delete_selected without delete permission) is refused."""
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    # ---- what the form offers ----

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may grant superuser or staff status or individual permissions.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "is_staff", "user_permissions", "last_login", "date_joined")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return form  # the add form: superusers only
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        actor = request.user
        if not actor.is_superuser:
            if db_field.name == "groups":
                kwargs["queryset"] = Group.objects.filter(name__in=grantable_roles(actor))
            elif db_field.name == "local_authorities":
                limits = authority_limits(actor)
                if limits is not None:
                    kwargs["queryset"] = LocalAuthority.objects.filter(pk__in=limits)
                    kwargs["required"] = True
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # ---- saving: checked again on the server ----

    def _check_save(self, request, obj, form) -> None:
        """Refuse (403) a save the actor may not make, before anything is written."""
        actor = request.user
        if actor.is_superuser:
            return
        if obj.pk is None or not user_manageable_by(actor, obj):
            raise PermissionDenied
        current = User._default_manager.get(pk=obj.pk)
        if any(getattr(obj, name) != getattr(current, name) for name in PROTECTED_USER_FIELDS):
            raise PermissionDenied  # e.g. a revert to a version that was a superuser or staff
        if grant_errors(actor, form.cleaned_data):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self._check_save(request, obj, form)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        actor = request.user
        if not actor.is_superuser and grant_errors(actor, form.cleaned_data):
            raise PermissionDenied
        super().save_related(request, form, formsets, change)
        if not actor.is_superuser and not user_manageable_by(actor, form.instance):
            raise PermissionDenied  # the change view's transaction undoes the save


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(RevertNeedsChangePermissionMixin, SimpleHistoryAdmin):
    """Grants live on the user (User.local_authorities), so nothing here changes who sees what.

    A data admin limited to some authorities may view every authority but change only their own, and
    may not add authorities; an unlimited data admin keeps all of them."""

    list_display = ("name", "code", "dfe_number", "kind", "region", "is_synthetic")
    list_filter = ("kind", "is_synthetic")
    search_fields = ("name", "code", "dfe_number")
    filter_horizontal = ("statistical_neighbours",)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        limits = authority_limits(request.user)
        return obj is None or limits is None or obj.pk in limits

    def has_add_permission(self, request):
        return super().has_add_permission(request) and authority_limits(request.user) is None


@admin.register(Team)
class TeamAdmin(RevertNeedsChangePermissionMixin, SimpleHistoryAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Roles are groups whose permissions `setup_roles` keeps; only a superuser may edit them here."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
