# Shared by scripts/run and scripts/test: packages, build, private PostgreSQL.
# Sourced, not run.

project_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir="$project_root/build"
pg_bin=/usr/lib/postgresql/15/bin

packages=(build-essential cmake pkg-config libcaf-dev libcpp-httplib-dev
          nlohmann-json3-dev libpq-dev libssl-dev libboost1.74-dev liburcu-dev
          postgresql-15 postgresql-client-15 libgtest-dev googletest curl wrk jq)

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Only the tests need these: promtool checks the /metrics page; from npm,
# Prism checks real responses against openapi.yaml and Redocly lints it.
test_packages=(prometheus)
prism_package=@stoplight/prism-cli@5.14.2
# Redocly 1.x runs on Debian 12's Node 18; 2.x needs Node 20.19.
redocly_package=@redocly/cli@1.34.5

# ensure_npm_tool PACKAGE COMMAND: installs PACKAGE under build/tools once;
# prints the path of its COMMAND.
ensure_npm_tool() {
  local tools="$build_dir/tools"
  local command="$tools/node_modules/.bin/$2"
  if [ ! -x "$command" ]; then
    # A machine may have Node from elsewhere; Debian's npm only if none.
    command -v npm >/dev/null || ensure_packages nodejs npm
    say "installing $1 from npm"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "$1" >&2
  fi
  echo "$command"
}

# ensure_packages [EXTRA...]: installs what is missing of `packages` and EXTRA.
ensure_packages() {
  local missing=()
  for p in "${packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build_project [TARGET...]: everything when no target is named. A caller
# may point build_dir elsewhere and set cmake_flags first, for another kind
# of build (scripts/test --sanitize, scripts/fuzz).
cmake_flags=()
build_project() {
  cmake -S "$project_root" -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
    "${cmake_flags[@]}" >/dev/null
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
}

# PostgreSQL refuses to run as root; as root, the cluster belongs to `postgres`.
pg_user() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_init DIR: creates a cluster in DIR, reachable only through a Unix socket
# in DIR itself, with `concert` as its superuser.
pg_init() {
  local dir=$1
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown "$(pg_user)" "$dir"
  as_pg_user "$pg_bin/initdb" -D "$dir" -U concert --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
CONF
}

# pg_start DIR [extra postgres options]
pg_start() {
  local dir=$1; shift
  as_pg_user "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "${*:-}" start >/dev/null
}

pg_stop() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] || return 0
  as_pg_user "$pg_bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
}

# pg_url DIR DATABASE: a libpq URI for the cluster's socket.
pg_url() {
  echo "postgresql:///$2?host=$1&user=concert"
}
