"""Staff roles and scopes, change sets awaiting review, published versions, the audit log and
the public's corrections.

The public always reads the live `directory.Location` rows. A proposed change lives in a
`ChangeSet`, with one `Change` per record, until a reviewer publishes it. Publication writes
the proposed values to the live rows and records a `Version` snapshot.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from caremap.directory.models import Department, Location
from caremap.keys import uuid7
from caremap.regions.models import Division, Level


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市级管理员"
    DISTRICT_ADMIN = "district_admin", "区级管理员"
    DEPARTMENT_EDITOR = "department_editor", "部门编辑"
    REVIEWER = "reviewer", "审核员"
    ANALYST = "analyst", "只读分析员"


def public_districts():
    """Return the districts a district administrator can be given: public districts, no special zones."""
    return Division.objects.public().filter(level=Level.DISTRICT)


class StaffRole(models.Model):
    """A user's role and, for district administrators and department editors, their scope.

    The role also puts the user in the Django group of the same name (see roles.save_role),
    so model permissions in the Django admin follow the role.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff_role", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(Division, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"),
                                 help_text=_("District administrators only."))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("department"),
                                   help_text=_("Department editors only."))

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"

    def clean(self):
        """Reject a role its scope cannot serve, and drop a scope the role does not use."""
        if self.role not in Role.values:
            raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": self.role}})
        if self.role != Role.DISTRICT_ADMIN:
            self.district = None
        elif self.district is None:
            raise ValidationError({"district": _("A district administrator needs a district.")})
        elif not public_districts().filter(pk=self.district.pk).exists():
            raise ValidationError({"district": _(
                "%(division)s is not a district: choose one of the city's districts."
            ) % {"division": self.district}})
        if self.role != Role.DEPARTMENT_EDITOR:
            self.department = None
        elif self.department is None:
            raise ValidationError({"department": _("A department editor needs a department.")})


class ChangeSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        PUBLISHED = "published", "已发布"
        RETURNED = "returned", "已退回"

    class Kind(models.TextChoices):
        EDIT = "edit", "编辑"
        ROLLBACK = "rollback", "回滚"
        CORRECTION = "correction", "纠错"
        IMPORT = "import", "导入"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.EDIT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    title = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class Change(models.Model):
    """Proposed field values for one record, against the version they were based on."""

    changeset = models.ForeignKey(ChangeSet, on_delete=models.CASCADE, related_name="changes")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    # The record's version number when the change was written: publication fails with a
    # conflict when another change was published since (optimistic locking).
    base_version = models.PositiveIntegerField()
    fields = models.JSONField(default=dict)
    previous = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("record change")
        verbose_name_plural = _("record changes")

    def __str__(self) -> str:
        return f"{self.location_id} {sorted(self.fields)}"


class Version(models.Model):
    """A published state of one record; number 1 is the state before the first reviewed change."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    changeset = models.ForeignKey(ChangeSet, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="versions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["location", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["location", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} v{self.number}"


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        PERMISSION_DENIED = "permission_denied", "权限拒绝"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        SUBMIT = "submit", "提交审核"
        PUBLISH = "publish", "发布"
        RETURN = "return", "退回"
        ROLLBACK = "rollback", "回滚"
        CORRECTION_ACCEPTED = "correction_accepted", "采纳纠错"
        CORRECTION_DISMISSED = "correction_dismissed", "驳回纠错"

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=24, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    # The username as typed, kept for failed logins where no user matches.
    username = models.CharField(max_length=150, blank=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.action} {self.username}"


class Correction(models.Model):
    """A member of the public's report that something on a service point is wrong."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACCEPTED = "accepted", "已采纳"
        DISMISSED = "dismissed", "已驳回"

    class Topic(models.TextChoices):
        ADDRESS = "address", "地址或位置"
        PHONE = "phone", "电话"
        HOURS = "hours", "开放时间"
        CLOSED = "closed", "已关闭或搬迁"
        OTHER = "other", "其他"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=12, choices=Topic.choices, default=Topic.OTHER)
    message = models.TextField(max_length=1000)
    # Optional, for the staff to ask back; never shown on a public page.
    contact = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)
    changeset = models.ForeignKey(ChangeSet, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("correction report")
        verbose_name_plural = _("correction reports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.location_id}"


class RateCounter(models.Model):
    """Requests one client made in one fixed rate-limit window, shared by every worker process.

    ratelimit.count_request() adds to `count` with an UPDATE ... SET count = count + 1, so
    concurrent requests never lose an increment (tests/backoffice/test_ratelimit.py). Failed
    logins use rows of window 0 whose period restarts at each failure (count_recent()).
    """

    scope = models.CharField(max_length=16)
    client = models.CharField(max_length=64)
    # The window's number since the epoch: time.time() // window seconds.
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    # When the window is over and the row may be deleted.
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["scope", "client", "window"],
                                    name="rate_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.client} {self.window}: {self.count}"
