# swtpm.sh: real TPMs for the end-to-end scripts: swtpm on free loopback ports, state in the
# script's work directory, stopped when the script ends. Sourced after lib.sh.

swtpm_pids=()
stop_swtpms() {
  local pid
  for pid in "${swtpm_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  stop_test_database 2>/dev/null || true
  rm -rf "$work"
}
trap stop_swtpms EXIT

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_swtpm NAME: starts a TPM with its state in $work/NAME and sets SWTPM_TCTI to its TCTI
# string. The swtpm TCTI finds the control channel at the server port + 1.
start_swtpm() {
  local dir=$work/$1 attempt port
  mkdir -p "$dir"
  for attempt in $(seq 1 20); do
    port=$((20000 + RANDOM % 20000 * 2))
    if port_in_use "$port" || port_in_use $((port + 1)); then
      continue
    fi
    if swtpm socket --tpm2 --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
        --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" --tpmstate "dir=$dir" \
        --flags not-need-init,startup-clear --pid "file=$dir/swtpm.pid" --daemon \
        >"$dir/swtpm.log" 2>&1; then
      for _ in $(seq 1 100); do
        if [ -s "$dir/swtpm.pid" ] && port_in_use "$port"; then
          swtpm_pids+=("$(cat "$dir/swtpm.pid")")
          SWTPM_TCTI="swtpm:host=127.0.0.1,port=$port"
          return 0
        fi
        sleep 0.05
      done
    fi
  done
  die "swtpm did not start: $(cat "$dir/swtpm.log")"
}

# stop_swtpm NAME: stops the TPM started as NAME.
stop_swtpm() {
  local pid
  pid=$(cat "$work/$1/swtpm.pid")
  kill "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
}
