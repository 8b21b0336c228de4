"""Network pages for every level, the printable directory (PDF and web), statistics, projects."""

import re
import shutil
import subprocess

import pytest

from caremap.network.models import Post
from caremap.projects.models import Project
from caremap.regions.models import Division, Level

pytestmark = pytest.mark.django_db

FUTIAN_STREET = "440304001"  # 南园街道


def _community():
    return Division.objects.public().filter(level=Level.COMMUNITY, parent_id=FUTIAN_STREET).first()


@pytest.mark.parametrize(("code", "name", "expected"), [
    ("440300", "深圳市", ["福田区", "大鹏新区"]),
    ("440304", "福田区", ["南园街道", "每万名儿童服务点数"]),
    ("4403DP", "大鹏新区", ["葵涌街道", "南澳街道"]),
    (FUTIAN_STREET, "南园街道", ["南园街道儿童督导员（演示）", "打印版名录（PDF）"]),
])
def test_region_page_each_level(client, code, name, expected):
    response = client.get(f"/regions/{code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert name in page
    for text in expected:
        assert text in page


def test_community_page_has_post_points_and_distances(client):
    community = _community()
    page = client.get(f"/regions/{community.code}/").content.decode()
    post = Post.objects.filter(division=community).first() or \
        Post.objects.filter(also_covers=community).first()
    assert post.title in page
    assert "最近的儿童之家" in page
    assert f"/regions/{FUTIAN_STREET}/" in page  # breadcrumb to its street
    assert "党群服务中心（演示）" in page


def test_vacant_post_shown_as_vacant(client):
    post = Post.objects.filter(filled=False, kind=Post.Kind.DIRECTOR).first()
    page = client.get(f"/regions/{post.division_id}/").content.decode()
    assert post.title in page
    assert "空缺" in page


def test_special_zone_and_unknown_code_404(client):
    zone = Division.objects.filter(special="zone").first()
    assert client.get(f"/regions/{zone.code}/").status_code == 404
    assert client.get("/regions/123/").status_code == 404
    assert client.get("/regions/440304/directory.pdf").status_code == 404


def test_demo_posts_have_no_personal_data():
    for post in Post.objects.filter(is_demo=True):
        assert post.title.endswith("（演示）")
        assert post.work_phone == "" or post.work_phone.startswith("0755-0")
    assert Post.objects.filter(is_demo=True, filled=False).exists()
    assert Post.objects.filter(also_covers__isnull=False).exists()


def test_directory_pdf_embeds_chinese_font(client, tmp_path):
    response = client.get(f"/regions/{FUTIAN_STREET}/directory.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "directory.pdf"
    path.write_bytes(response.content)
    pdffonts, pdftotext = shutil.which("pdffonts"), shutil.which("pdftotext")
    assert pdffonts, "pdffonts missing: install poppler-utils"
    assert pdftotext, "pdftotext missing: install poppler-utils"

    # The argument lists are fixed: a tool path and a file this test wrote.
    fonts = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603
    font_lines = fonts.splitlines()[2:]
    cjk = [line for line in font_lines if "WenQuanYi" in line]
    assert cjk, fonts
    columns = cjk[0].split()
    assert columns[-5] == "yes"  # emb
    assert columns[-3] == "yes"  # uni

    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"],  # noqa: S603
                          capture_output=True, text=True, check=True).stdout
    assert "南园街道 儿童关爱服务点名录" in text
    assert "南园街道儿童社会工作服务站（演示）" in text
    assert "演示路" in text


def test_directory_pdf_fails_clearly_without_font(client, settings):
    from reportlab.pdfbase import pdfmetrics

    from caremap.network import directory_pdf

    settings.CAREMAP_PDF_FONT = "/nonexistent/font.ttf"
    registered = pdfmetrics._fonts.pop(directory_pdf.FONT_NAME, None)
    try:
        response = client.get(f"/regions/{FUTIAN_STREET}/directory.pdf")
    finally:
        if registered is not None:
            pdfmetrics._fonts[directory_pdf.FONT_NAME] = registered
    assert response.status_code == 503
    assert "fonts-wqy-microhei" in response.content.decode()


def test_directory_urls_use_public_base(client, settings):
    settings.CAREMAP_PUBLIC_BASE_URL = "https://map.example.org/"
    page = client.get(f"/regions/{FUTIAN_STREET}/directory/").content.decode()
    assert "https://map.example.org/points/" in page
    settings.CAREMAP_PUBLIC_BASE_URL = ""
    page = client.get(f"/regions/{FUTIAN_STREET}/directory/").content.decode()
    assert "http://testserver/points/" in page


def test_qr_code_encodes_point_url():
    import segno

    from caremap.network.directory_pdf import qr_drawing

    url = "https://map.example.org/points/6f1f7f4e-5b0e-4c55-9d36-0c1a2e3d4b5a/"
    drawing = qr_drawing(url)
    modules = len(segno.make(url, error="m").matrix) + 4  # quiet zone of 2 on each side
    dark = sum(sum(1 for cell in row if cell) for row in segno.make(url, error="m").matrix)
    assert len(drawing.contents) == dark
    assert drawing.width == pytest.approx(drawing.contents[0].width * modules)


def test_directory_web_page_has_print_stylesheet(client):
    page = client.get(f"/regions/{FUTIAN_STREET}/directory/").content.decode()
    # Hashed (network.<hash>.css) once `caremap demo` has collected static files in this
    # data directory, plain before.
    assert re.search(r"network/network(\.[0-9a-f]{12})?\.css", page)
    assert "南园街道儿童社会工作服务站（演示）" in page


def test_stats_csv_public_and_staff(client, admin_client):
    response = client.get("/stats/points-by-category.csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "类别,服务点"
    assert any(line.startswith("儿童之家,") for line in lines)
    assert client.get("/stats/points-by-street.csv").status_code == 404
    assert admin_client.get("/stats/points-by-street.csv").status_code == 200
    assert client.get("/stats/dashboard/").status_code == 302
    assert "空缺岗位" in admin_client.get("/stats/dashboard/").content.decode()


def test_stats_api_matches_csv(api_get, client):
    status, body = api_get("/api/v1/stats")
    assert status == 200
    by_name = {d["name"]: d for d in body["datasets"]}
    total = sum(row[1] for row in by_name["points-by-district"]["rows"])
    _, points = api_get("/api/v1/points", page_size="1")
    assert total == points["count"]
    coverage = by_name["coverage-by-district"]
    assert len(coverage["rows"]) == 10
    assert sum(row[1] for row in coverage["rows"]) == 783


def test_projects_pages_and_api(client, api_get):
    page = client.get("/projects/").content.decode()
    assert "“小熊猫”儿童零暴力成长救助计划" in page
    assert "运营机构未核实" in page
    project = Project.objects.filter(is_demo=True).first()
    detail = client.get(f"/projects/{project.id}/").content.decode()
    for site in project.sites.all():
        assert site.name in detail
        assert site.category.code == "social-work-site"
    _, markers = api_get("/api/v1/markers", category="social-work-site")
    on_map = {marker[0] for marker in markers["markers"]}
    assert {str(site.id) for site in project.sites.all()} <= on_map
    _, body = api_get("/api/v1/projects", featured="true")
    assert body["count"] == 3
    assert all(p["organization"] is None and p["sites"] == [] for p in body["results"])
