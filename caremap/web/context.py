from django.conf import settings

from caremap.directory.models import Location


def demo_banner_shown() -> str | None:
    """Return which 演示数据 banner to show: "all", "some" (demo points among real ones) or None.

    CAREMAP_DEMO_BANNER forces "all" (1, true, on) or None (0, false, off). With "auto" a
    banner shows while any demo point exists, and it is "some" once real records sit beside them.
    """
    setting = str(settings.CAREMAP_DEMO_BANNER).lower()
    if setting in ("1", "true", "on"):
        return "all"
    if setting in ("0", "false", "off"):
        return None
    if not Location.objects.filter(is_demo=True).exists():
        return None
    return "some" if Location.objects.filter(is_demo=False).exists() else "all"


def site(request) -> dict:
    return {"demo_banner": demo_banner_shown()}
