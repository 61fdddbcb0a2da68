// The unlock protocol's transport: one Protomux channel per (connection, knowledge base), on the same
// connection that replicates the store. Messages are raw bytes decoded by our own total decoder, so a
// malformed message from a peer is dropped instead of tearing the connection down.
import c from 'compact-encoding';
import Protomux, { type Channel, type Message } from 'protomux';
import type { Duplex } from 'node:stream';
import { UNLOCK_PROTOCOL, decodeMessage, encodeMessage, type UnlockMessage } from './unlock-messages';

/** One open unlock channel with a remote peer, for one knowledge base. */
export interface UnlockLink {
  readonly remote: Buffer;
  readonly discoveryKey: Buffer;
  send(message: UnlockMessage): boolean;
}

export interface UnlockTransportHandlers {
  onMessage(link: UnlockLink, message: UnlockMessage): void;
  onMalformed?(link: UnlockLink): void;
  onOpen?(link: UnlockLink): void;
  onClose?(link: UnlockLink): void;
}

/** Opens unlock channels for a set of knowledge bases on every connection it is given. */
export class UnlockTransport {
  private readonly connections = new Map<Duplex, { remote: Buffer; links: Map<string, { channel: Channel; link: UnlockLink }> }>();
  private readonly topics = new Map<string, Buffer>();

  constructor(private readonly handlers: UnlockTransportHandlers) {}

  /** Serve a knowledge base's channel on every connection, now and later. */
  addTopic(discoveryKey: Buffer): void {
    const id = discoveryKey.toString('hex');
    if (this.topics.has(id)) return;
    this.topics.set(id, discoveryKey);
    for (const [stream, state] of this.connections) this.openChannel(stream, state, discoveryKey);
  }

  removeTopic(discoveryKey: Buffer): void {
    const id = discoveryKey.toString('hex');
    this.topics.delete(id);
    for (const state of this.connections.values()) {
      state.links.get(id)?.channel.close();
      state.links.delete(id);
    }
  }

  /** Attach to a new connection (call from the swarm's connection handler). */
  attach(stream: Duplex, remote: Buffer): void {
    const state = { remote, links: new Map<string, { channel: Channel; link: UnlockLink }>() };
    this.connections.set(stream, state);
    stream.once('close', () => {
      for (const { link } of state.links.values()) this.handlers.onClose?.(link);
      this.connections.delete(stream);
    });
    for (const discoveryKey of this.topics.values()) this.openChannel(stream, state, discoveryKey);
  }

  /** Open links for a knowledge base (the peers it can talk to right now). */
  links(discoveryKey: Buffer): UnlockLink[] {
    const id = discoveryKey.toString('hex');
    const out: UnlockLink[] = [];
    for (const state of this.connections.values()) {
      const entry = state.links.get(id);
      if (entry?.channel.opened) out.push(entry.link);
    }
    return out;
  }

  close(): void {
    for (const state of this.connections.values()) for (const { channel } of state.links.values()) channel.close();
    this.connections.clear();
    this.topics.clear();
  }

  private openChannel(stream: Duplex, state: { remote: Buffer; links: Map<string, { channel: Channel; link: UnlockLink }> }, discoveryKey: Buffer): void {
    const id = discoveryKey.toString('hex');
    if (state.links.has(id)) return;
    const mux = Protomux.from(stream);
    let message: Message<Buffer> | null = null;
    let opened: Channel | null = null;
    const link: UnlockLink = {
      remote: state.remote,
      discoveryKey,
      send: (value) => (message !== null && opened?.opened === true ? message.send(encodeMessage(value)) : false),
    };
    const channel = mux.createChannel({
      protocol: UNLOCK_PROTOCOL,
      id: discoveryKey,
      onopen: () => this.handlers.onOpen?.(link),
      onclose: () => {
        if (state.links.get(id)?.channel === channel) state.links.delete(id);
      },
    });
    if (!channel) return;
    opened = channel;
    message = channel.addMessage({
      encoding: c.raw,
      onmessage: (bytes: Buffer) => {
        const decoded = decodeMessage(bytes);
        if (decoded) this.handlers.onMessage(link, decoded);
        else this.handlers.onMalformed?.(link);
      },
    });
    state.links.set(id, { channel, link });
    channel.open();
  }
}
