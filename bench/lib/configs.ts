/**
 * The exact configurations under test. Every one of them is printed into
 * docs/benchmarks.md, so a reader can rerun any proxy by hand.
 */

/** The small response: a cloud-API-shaped JSON body, so Detour's classifier really inspects it. */
export const SMALL_BODY = '{"Response":{"RequestId":"5c6f2a9e-bench","Data":{"Status":"ok","Items":[1,2,3]}}}';
export const BIG_BYTES = 1024 * 1024;

export interface Dirs {
  /** Where nginx's pid, logs and temp folders go. */
  work: string;
  /** Holds the 1 MiB file `big.bin`. */
  docroot: string;
}

/** nginx needs writable temp paths; Debian's defaults under /var/lib/nginx may not exist. */
function nginxCommon(d: Dirs, name: string): string {
  return `worker_processes 1;
daemon off;
${process.getuid?.() === 0 ? 'user root;\n' : ''}pid ${d.work}/${name}.pid;
error_log ${d.work}/${name}.error.log warn;
events { worker_connections 4096; }`;
}

function nginxTemps(d: Dirs, name: string): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${d.work}/${name}.${t};`).join('\n');
}

/**
 * The upstream: native, so it is not the bottleneck. `return 200` for the small body,
 * a static 1 MiB file (sendfile) for the large one. keepalive_requests is raised from
 * its default of 1000 (nginx ≥ 1.19.10) so wrk's and the proxies' connections live for
 * the whole run, as they do with HAProxy and Node by default.
 */
export function nginxUpstreamConf(d: Dirs, name: string, ports: readonly number[]): string {
  const listens = ports.map((p) => `    listen 127.0.0.1:${p};`).join('\n');
  return `${nginxCommon(d, name)}
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
${nginxTemps(d, name)}
  server {
${listens}
    location = / { default_type application/json; return 200 '${SMALL_BODY}'; }
    location = /healthz { default_type text/plain; return 200 'ok'; }
    location = /big { root ${d.docroot}; try_files /big.bin =404; default_type application/octet-stream; }
  }
}
`;
}

/**
 * nginx as the proxy under test: 1 worker, HTTP/1.1 keep-alive to the upstream
 * (ngx_http_upstream_module "keepalive": needs proxy_http_version 1.1 and an empty
 * Connection header). proxy_max_temp_file_size 0 streams large responses through the
 * memory buffers instead of spilling them to a temp file.
 */
export function nginxProxyConf(d: Dirs, name: string, port: number, upstreamPort: number): string {
  return `${nginxCommon(d, name)}
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
${nginxTemps(d, name)}
  upstream up {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_max_temp_file_size 0;
    }
  }
}
`;
}

/** HAProxy as the proxy under test: one thread, HTTP mode, keep-alive both sides (its defaults). */
export function haproxyConf(port: number, upstreamPort: number): string {
  return `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  http-reuse safe
  server up1 127.0.0.1:${upstreamPort}
`;
}

/** Detour with the machinery off: one pool, no classifier, no active or passive checks. */
export function detourMinimalYaml(port: number, upstreamPort: number): string {
  return `listen: 127.0.0.1:${port}
log: { level: warn }
services:
  - name: api
    pools:
      - endpoints: [http://127.0.0.1:${upstreamPort}]
    health: { passive: false }
    slowStart: 0
`;
}

/**
 * The same build with everything a production multi-cloud setup runs: two pools
 * (primary + backup, both on the bench upstream), the four cloud classifiers on every
 * response, active checks every second on both endpoints, passive outlier detection,
 * and the admin API with metrics.
 */
export function detourFullYaml(port: number, adminPort: number, upstreamA: number, upstreamB: number, stateFile: string): string {
  return `listen: 127.0.0.1:${port}
log: { level: warn }
admin:
  listen: 127.0.0.1:${adminPort}
  token: bench-admin-token
  stateFile: ${stateFile}
services:
  - name: api
    pools:
      - name: tencent-gz
        provider: tencent
        region: ap-guangzhou
        endpoints: [http://127.0.0.1:${upstreamA}]
      - name: aliyun-hz
        provider: aliyun
        region: cn-hangzhou
        endpoints: [http://127.0.0.1:${upstreamB}]
    health:
      active: { path: /healthz, interval: 1s, timeout: 500ms, expect: { status: "200-399", bodyNotContains: InternalError } }
      passive: { consecutiveFailures: 5 }
    classify: [tencent, aliyun, aws, huawei]
`;
}
