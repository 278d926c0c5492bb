# server_lib.sh: start and stop ensignd for the end-to-end scripts. Sourced after lib.sh.

# start_server [ARGS...]: starts `ensign serve` on a free loopback port with a self-signed
# certificate, waits until it listens, and sets $server (its pid), $url and $ca.
start_server() {
  local log_lines=0
  [ -f "$work/server.log" ] && log_lines=$(wc -l < "$work/server.log")
  "$ensign" serve --listen 127.0.0.1:0 --self-signed "$@" 2>>"$work/server.log" &
  server=$!
  port=
  for _ in $(seq 200); do
    port=$(tail -n +"$((log_lines + 1))" "$work/server.log" |
           sed -n 's|.*listening on https://127.0.0.1:\([0-9]*\).*|\1|p' | tail -1)
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$work/server.log"; die "the server did not start"; }
  url=https://127.0.0.1:$port
  ca=$ENSIGN_HOME/server-cert.pem
  trap 'stop_server; stop_test_database 2>/dev/null || true; rm -rf "$work"' EXIT
}

# stop_server [SIGNAL]: stops the server (default SIGTERM) and waits for it.
stop_server() {
  if [ -n "${server:-}" ]; then
    kill -"${1:-TERM}" "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}

# token_for SCOPE...: makes a token with these scopes and prints it.
token_for() {
  local args=()
  for scope in "$@"; do args+=(--scope "$scope"); done
  "$ensign" token create "${args[@]}" 2>/dev/null
}
