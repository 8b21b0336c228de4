# Shared steps of scripts/demo and scripts/test. Source it; do not run it.
# Every step stops with a message that names what is missing and how to get it.

PYTHON=${PYTHON:-python3}
VENV=${CAREMAP_VENV:-.venv}

fail() {
    echo "caremap: $*" >&2
    exit 1
}

is_root_debian() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        apt-get update -qq >/dev/null
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

check_python() {
    command -v "$PYTHON" >/dev/null 2>&1 || fail "Python 3.11 or newer is required: install python3 (Debian/Ubuntu: apt-get install python3 python3-venv)"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || fail "Python 3.11 or newer is required; $PYTHON is $("$PYTHON" --version 2>&1)"
    command -v npm >/dev/null 2>&1 || fail "npm is required for the map's browser libraries: install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm)"
}

# setup_python [extras]: create the virtualenv and install caremap with pinned dependencies.
setup_python() {
    check_python
    if [ ! -x "$VENV/bin/python" ]; then
        if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
            rm -rf "$VENV"
            if is_root_debian; then
                apt_install python3-venv
                "$PYTHON" -m venv "$VENV" || fail "could not create a virtualenv in $VENV"
            else
                fail "python3 cannot create a virtualenv: install python3-venv (Debian/Ubuntu: sudo apt-get install python3-venv)"
            fi
        fi
    fi
    local target="."
    [ -n "${1:-}" ] && target=".[$1]"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -e "$target" \
        || fail "pip install failed (see the messages above)"
    npm ci --no-audit --no-fund --silent || fail "npm ci failed (see the messages above)"
    "$VENV/bin/caremap" compiletranslations >/dev/null
}
