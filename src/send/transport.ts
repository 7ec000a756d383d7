/**
 * Which transport a send uses, and making it from the plan: the plan names
 * the transport and carries its options as read from the environment (so a
 * missing SMTP_URL is refused while planning, before anyone is asked or
 * mailed); the transport itself, with its connections, is made afterwards
 * and handed to `deliverSend`.
 */
import { createTransport, type DeliverySettings, type TransportName } from '../delivery/transports/index.js';
import { domainToASCII } from 'node:url';
import type { Transport } from '../delivery/transport.js';
import type { SendPlan, SendRequest } from './prepare.js';

/**
 * The one place that says which transport each kind of send goes through: a dry run writes files, whoever the
 * messages are for (the list, or --test addresses), and contacts no server; everything else goes over SMTP.
 */
export function transportFor(req: Pick<SendRequest, 'dryRun'>): TransportName {
  return req.dryRun !== null ? 'file' : 'smtp';
}

/**
 * How the transport reaches its destination, from the command line (a dry run's folder and the sender's domain
 * come from the plan).
 */
export type ConnectionSettings = Omit<DeliverySettings, 'dir' | 'senderDomain'>;

/** The plan's transport, ready to open. Contacts nobody. */
export function sendTransport(plan: SendPlan, settings: ConnectionSettings): Promise<Transport> {
  const sender = plan.newsletter.bounce_address ?? plan.newsletter.from.address;
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return createTransport(plan.transport, {
    ...settings,
    dir: plan.request.dryRun,
    senderDomain: domainToASCII(domain) || null,
  });
}
