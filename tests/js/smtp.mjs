// A real SMTP server on loopback that keeps what it receives, so that the scripts read
// the links Roster mails (the gateway's ROSTER_SMTP_URL points here). Plain SMTP, no
// TLS or login, as roster_devkit::smtp serves the Rust tests.
import net from "node:net";

/** Starts the server on 127.0.0.1:`port`; resolves once it listens. */
export async function startSmtp(port) {
  const messages = [];
  const waiters = new Set();
  const server = net.createServer((socket) => {
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    const reply = (line) => socket.write(`${line}\r\n`);
    let buffer = "";
    let inData = false;
    let to = [];
    reply("220 roster-js ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          const data = buffer.slice(0, end).replace(/^\.\./gm, ".");
          buffer = buffer.slice(end + 5);
          inData = false;
          messages.push({ to, data });
          to = [];
          for (const wake of waiters) wake();
          reply("250 2.0.0 queued");
          continue;
        }
        const nl = buffer.indexOf("\r\n");
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") reply("250-roster-js\r\n250-8BITMIME\r\n250 SMTPUTF8");
        else if (verb === "HELO") reply("250 roster-js");
        else if (verb === "MAIL") reply("250 2.1.0 OK");
        else if (verb === "RCPT") {
          to.push((line.match(/<([^>]*)>/) ?? [])[1] ?? "");
          reply("250 2.1.5 OK");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 end with <CRLF>.<CRLF>");
        } else if (verb === "QUIT") {
          reply("221 2.0.0 bye");
          socket.end();
        } else reply("250 2.0.0 OK");
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  server.unref();

  /** The next mail to `to` whose subject contains `subject` (waits up to 30 s). */
  async function nextMail(address, subject) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const at = messages.findIndex(
        (m) => m.to.includes(address) && (header(m.data, "Subject") ?? "").includes(subject),
      );
      if (at >= 0) return body(messages.splice(at, 1)[0].data);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail "${subject}" to ${address} in 30 s`);
      await new Promise((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        waiters.add(wake);
      });
    }
  }

  /** The link token (`rlnk_...`) of the next such mail. */
  async function linkToken(address, subject) {
    const text = await nextMail(address, subject);
    const token = (text.match(/rlnk_[A-Za-z0-9_-]+/) ?? [])[0];
    if (!token) throw new Error(`no link token in: ${text}`);
    return token;
  }

  return { nextMail, linkToken };
}

function header(data, name) {
  const head = data.split("\r\n\r\n")[0].replace(/\r\n[ \t]+/g, " ");
  const line = head.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function body(data) {
  const raw = data.split("\r\n\r\n").slice(1).join("\r\n\r\n");
  if (!/quoted-printable/i.test(header(data, "Content-Transfer-Encoding") ?? "")) return raw;
  return raw
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}
