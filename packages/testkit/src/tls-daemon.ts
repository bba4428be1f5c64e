import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** A test CA, a server certificate for 127.0.0.1 and a client certificate, as files in one directory. */
export interface TlsCertificates {
  /** The CA certificate (both sides trust it). */
  ca: string;
  serverCert: string;
  serverKey: string;
  /** The client's certificate and key, named as DOCKER_CERT_PATH wants them (with ca.pem beside). */
  cert: string;
  key: string;
}

/**
 * Makes a CA, a server certificate for IP 127.0.0.1 and a client certificate in `dir` with openssl,
 * as the Docker documentation makes them for a TLS daemon. Valid for two days.
 */
export function makeTlsCertificates(dir: string): TlsCertificates {
  const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const key = (name: string, subject: string, out: string) =>
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", name, "-out", out, "-subj", subject]);
  const sign = (csr: string, out: string, ext: string) =>
    openssl([
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      out,
      "-days",
      "2",
      "-extfile",
      ext,
    ]);
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=docker-mcp test CA",
  ]);
  key("server-key.pem", "/CN=127.0.0.1", "server.csr");
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  sign("server.csr", "server-cert.pem", "server.ext");
  key("key.pem", "/CN=client", "client.csr");
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  sign("client.csr", "cert.pem", "client.ext");
  return {
    ca: join(dir, "ca.pem"),
    serverCert: join(dir, "server-cert.pem"),
    serverKey: join(dir, "server-key.pem"),
    cert: join(dir, "cert.pem"),
    key: join(dir, "key.pem"),
  };
}

/** dockerd flags for a TLS listener on 127.0.0.1:port that verifies its clients (for startPrivateDaemon). */
export function tlsDaemonArgs(port: number, certs: TlsCertificates): string[] {
  return [
    "-H",
    `tcp://127.0.0.1:${port}`,
    "--tlsverify",
    `--tlscacert=${certs.ca}`,
    `--tlscert=${certs.serverCert}`,
    `--tlskey=${certs.serverKey}`,
  ];
}

/** A free TCP port on 127.0.0.1 (free when asked; take it soon). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Writes a Docker context named `name` into the Docker config directory `configDir`, as the docker
 * CLI stores it: `contexts/meta/<sha256(name)>/meta.json`, and with `tls` the client's files copied to
 * `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`. Also writes an empty config.json.
 */
export function writeDockerContext(
  configDir: string,
  name: string,
  host: string,
  tls?: Pick<TlsCertificates, "ca" | "cert" | "key">,
): void {
  const id = createHash("sha256").update(name).digest("hex");
  mkdirSync(join(configDir, "contexts", "meta", id), { recursive: true });
  writeFileSync(
    join(configDir, "contexts", "meta", id, "meta.json"),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
  if (tls) {
    const tlsDir = join(configDir, "contexts", "tls", id, "docker");
    mkdirSync(tlsDir, { recursive: true });
    copyFileSync(tls.ca, join(tlsDir, "ca.pem"));
    copyFileSync(tls.cert, join(tlsDir, "cert.pem"));
    copyFileSync(tls.key, join(tlsDir, "key.pem"));
  }
  writeFileSync(join(configDir, "config.json"), JSON.stringify({ auths: {} }));
}
