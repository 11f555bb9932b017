# Shared by Scripts/run, Scripts/test and Scripts/cluster: Debian packages, and private
# PostgreSQL clusters that belong to this checkout. Source it; it defines functions only.

ACADEMY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ACADEMY_PACKAGES=(postgresql libssl-dev zlib1g-dev pkg-config iproute2)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages that are missing, never upgrading one that is there. As a normal
# user it names the exact command to run instead.
install_missing_packages() {
    local missing=() package
    for package in "${ACADEMY_PACKAGES[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" -eq 0 ]; then
            say "Installing ${missing[*]}"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        else
            die "missing Debian packages. Run:  sudo apt-get install -y ${missing[*]}"
        fi
    fi
    command -v swift >/dev/null 2>&1 || die "swift is not on PATH: install Swift 6.1 or later from swift.org"
}

# The newest installed PostgreSQL server binaries (Debian keeps them off PATH).
postgres_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] || die "no PostgreSQL server found under /usr/lib/postgresql"
    printf '%s\n' "$dir"
}

# Runs a server-side PostgreSQL command as the cluster's owner: `postgres` when we are root
# (PostgreSQL refuses to run as root), ourselves otherwise.
as_cluster_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Can the cluster's owner reach (traverse) this folder? Root's checkout under /root is not
# reachable by `postgres`, and we do not loosen the permissions of the user's folders.
owner_can_reach() {
    [ "$(id -u)" -ne 0 ] && return 0
    (cd / && runuser -u postgres -- test -x "$1") 2>/dev/null
}

# Where this checkout's cluster lives: .data/postgres, or, when the owner cannot reach .data (or
# the path is too long for a unix socket), a private folder in /var/tmp named after the checkout,
# linked from .data/postgres.
cluster_base_for_checkout() {
    mkdir -p "$ACADEMY_ROOT/.data"
    local local_base="$ACADEMY_ROOT/.data/postgres"
    if [ ! -L "$local_base" ] && [ ${#local_base} -le 80 ] && owner_can_reach "$ACADEMY_ROOT/.data"; then
        printf '%s\n' "$local_base"
        return
    fi
    local id base
    id=$(printf '%s' "$ACADEMY_ROOT" | sha256sum | cut -c1-12)
    base="/var/tmp/academy-$(basename "$ACADEMY_ROOT" | tr -cd 'A-Za-z0-9_-' | cut -c1-24)-$id"
    [ -L "$local_base" ] || ln -s "$base" "$local_base"
    printf '%s\n' "$base"
}

# Creates (once) and starts a cluster in $1 listening on 127.0.0.1:$2 and on a unix socket in $1;
# $3, if given, is appended to postgresql.conf. Prints nothing; the log is $1/postgres.log.
start_cluster() {
    local base=$1 port=$2 extra_settings=${3:-} bin
    bin=$(postgres_bin_dir)
    if [ ! -d "$base" ]; then
        mkdir -p "$base"
        chmod 700 "$base"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$base"
    fi
    if [ ! -f "$base/data/PG_VERSION" ]; then
        say "Creating a PostgreSQL cluster in $base"
        as_cluster_owner "$bin/initdb" -D "$base/data" -U postgres -E UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >"$base/initdb.log" 2>&1 \
            || { cat "$base/initdb.log" >&2; die "initdb failed"; }
        as_cluster_owner sh -c "cat >> '$base/data/postgresql.conf'" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
max_connections = 300
$extra_settings
EOF
    fi
    if ! as_cluster_owner "$bin/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
        as_cluster_owner "$bin/pg_ctl" -D "$base/data" -w -t 60 -l "$base/postgres.log" start >/dev/null \
            || { tail -n 20 "$base/postgres.log" >&2; die "PostgreSQL did not start (log: $base/postgres.log)"; }
    fi
}

# Creates (once, with pg_basebackup) and starts in $3 a streaming replica of the cluster in $1
# (port $2), listening on 127.0.0.1:$4: a hot standby that replays the primary's changes as they
# come, and answers read-only queries meanwhile.
start_replica() {
    local primary=$1 primary_port=$2 base=$3 port=$4 bin
    bin=$(postgres_bin_dir)
    if [ ! -f "$base/data/PG_VERSION" ]; then
        mkdir -p "$base"
        chmod 700 "$base"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$base"
        say "Copying the cluster in $primary into a streaming replica in $base (pg_basebackup)"
        # Over the primary's unix socket, as its superuser (trusted locally); -R makes it a standby
        # that connects back the same way.
        as_cluster_owner "$bin/pg_basebackup" -h "$primary" -p "$primary_port" -U postgres -D "$base/data" -R -X stream -c fast \
            >"$base/basebackup.log" 2>&1 || { cat "$base/basebackup.log" >&2; die "pg_basebackup failed"; }
        as_cluster_owner sh -c "cat >> '$base/data/postgresql.conf'" <<EOC
# The replica's own: the lines above were copied from the primary.
port = $port
unix_socket_directories = '$base'
hot_standby = on
EOC
    fi
    if ! as_cluster_owner "$bin/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
        as_cluster_owner "$bin/pg_ctl" -D "$base/data" -w -t 60 -l "$base/postgres.log" start >/dev/null \
            || { tail -n 20 "$base/postgres.log" >&2; die "the replica did not start (log: $base/postgres.log)"; }
    fi
}

stop_cluster() {
    local base=$1 bin
    bin=$(postgres_bin_dir)
    [ -f "$base/data/PG_VERSION" ] || return 0
    as_cluster_owner "$bin/pg_ctl" -D "$base/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# psql as the superuser over the cluster's socket (trust): $1 = base, $2 = port, then psql args.
cluster_psql() {
    local base=$1 port=$2
    shift 2
    as_cluster_owner psql -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$port" -U postgres -d postgres "$@"
}

# Creates the login role $3 with password $4 (and CREATEDB when $5 = createdb) and, unless $6 is
# empty, the database $6 owned by it. Safe to repeat.
ensure_role_and_database() {
    local base=$1 port=$2 role=$3 password=$4 createdb=$5 database=$6
    local attributes="LOGIN"
    [ "$createdb" = createdb ] && attributes="LOGIN CREATEDB"
    cluster_psql "$base" "$port" -v role="$role" -v password="$password" <<EOF >/dev/null
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I $attributes PASSWORD %L', :'role', :'password') \gexec
EOF
    if [ -n "$database" ]; then
        cluster_psql "$base" "$port" -v role="$role" -v database="$database" <<'EOF' >/dev/null
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'database', :'role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
EOF
    fi
}

random_secret() {
    if command -v openssl >/dev/null 2>&1; then
        openssl rand -hex 24
    else
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'
    fi
}

# The first port from $1 with no socket on it. Nothing listening is not enough: these ports lie in
# Linux's ephemeral range, so a client connection (even one in TIME-WAIT) may hold one, and a
# server then fails to bind it.
free_port_from() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
        || { command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htan "( sport = :$port )")" ]; }; do
        port=$((port + 1))
    done
    printf '%s\n' "$port"
}
