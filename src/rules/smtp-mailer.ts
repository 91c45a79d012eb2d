import nodemailer from 'nodemailer';
import type { Mailer } from './rule-actions.js';

/** Rules' e-mail actions over SMTP (nodemailer); the URL carries host, port, credentials, TLS. */
export function smtpMailer(url: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to.join(', '), subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
