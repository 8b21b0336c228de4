from django.conf import settings

from caremap.directory.models import Location


def demo_banner_shown() -> bool:
    """Show the 演示数据 banner when configured, or ("auto") while any demo point exists."""
    setting = str(settings.CAREMAP_DEMO_BANNER).lower()
    if setting in ("1", "true", "on"):
        return True
    if setting in ("0", "false", "off"):
        return False
    return Location.objects.filter(is_demo=True).exists()


def site(request) -> dict:
    return {"demo_banner": demo_banner_shown()}
