# Several `academy serve` instances behind nginx on one machine: Scripts/run --instances, the
# failover check of Scripts/test and Scripts/bench --instances. Source it after bootstrap.sh; it
# defines functions only. The instances share the database and ACADEMY_DATA_DIR (one disk; across
# machines, share files through ACADEMY_BLOB_STORE=s3 instead).
# Scripts that use start_proxy add nginx to ACADEMY_PACKAGES before installing.

# Waits until $1/health/ready answers 200 (30 s at most).
wait_until_ready() {
    local _
    for _ in $(seq 1 150); do
        curl -fsS -o /dev/null "$1/health/ready" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# start_instances ACADEMY COUNT FIRST_PORT LOG_DIR: COUNT instances of the binary ACADEMY on free
# ports from FIRST_PORT, with the ACADEMY_* settings in force; they trust the proxy on 127.0.0.1
# for client addresses. Sets instance_ports and instance_pids; logs go to LOG_DIR/instance-N.log.
start_instances() {
    local academy=$1 count=$2 port=$3 logs=$4 index
    instance_ports=() instance_pids=()
    mkdir -p "$logs"
    for index in $(seq 1 "$count"); do
        port=$(free_port_from "$port")
        ACADEMY_PORT=$port ACADEMY_TRUSTED_PROXIES=${ACADEMY_TRUSTED_PROXIES:-127.0.0.1} \
            "$academy" serve >"$logs/instance-$index.log" 2>&1 &
        instance_pids+=("$!")
        instance_ports+=("$port")
        port=$((port + 1))
    done
    for port in "${instance_ports[@]}"; do
        wait_until_ready "http://127.0.0.1:$port" || { say "the instance on port $port did not become ready (see $logs)"; return 1; }
    done
}

# start_proxy PORT DIR: nginx (Debian's, run as this user, in the foreground of a background job)
# on 127.0.0.1:PORT in front of instance_ports, its configuration and logs in DIR, passing
# requests as deploy/nginx/academy-proxy.conf says (which it says when it is safe to send a
# request on to the next instance). Sets proxy_pid.
start_proxy() {
    local port=$1 dir=$2 upstreams="" instance
    mkdir -p "$dir"
    for instance in "${instance_ports[@]}"; do
        upstreams+="        server 127.0.0.1:$instance max_fails=1 fail_timeout=5s;"$'\n'
    done
    cat >"$dir/nginx.conf" <<EOC
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path $dir/client-body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    upstream academy {
$upstreams        keepalive 256;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        include $ACADEMY_ROOT/deploy/nginx/academy-proxy.conf;
    }
}
EOC
    nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
    proxy_pid=$!
    wait_until_ready "http://127.0.0.1:$port" || { say "nginx did not start (see $dir/error.log)"; return 1; }
}

# Stops the proxy and the instances started above.
stop_instances_and_proxy() {
    local pid
    for pid in ${proxy_pid:-} ${instance_pids[@]+"${instance_pids[@]}"}; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in ${proxy_pid:-} ${instance_pids[@]+"${instance_pids[@]}"}; do
        wait "$pid" 2>/dev/null || true
    done
    proxy_pid="" instance_pids=()
}
