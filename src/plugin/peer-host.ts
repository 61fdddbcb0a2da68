// Runs the peer for one plugin instance: started when the layout is ready, stopped on unload, and
// restarted when the data folder or DHT settings change. Disabling and re-enabling the plugin creates
// a new instance while the old one may still be closing its store, which only one process may hold:
// starts wait for the previous instance's stop, through the module-level `lastStop`.
import { Notice } from 'obsidian';
import { parseBootstrap } from '../net/dht-settings';
import { needsIdentity, type PeerApi, type PeerConfig, type WalletConfig } from '../peer/peer-api';
import { messageOf } from './mount-guard';

let lastStop: Promise<void> = Promise.resolve();

/** Starts and stops one PeerApi in order. */
export class PeerHost {
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly api: PeerApi, private readonly config: () => { dataDir: string; bootstrap: string; wallet?: WalletConfig }) {}

  /** Start the peer; problems become Notices that say what to do. */
  start(): Promise<void> {
    return this.enqueue(async () => {
      await lastStop;
      let config: PeerConfig;
      try {
        const { dataDir, bootstrap, wallet } = this.config();
        config = { dataDir, bootstrap: parseBootstrap(bootstrap), wallet };
      } catch (err) {
        new Notice(`Tzimtzum did not start: ${messageOf(err)} Fix the DHT bootstrap setting.`);
        return;
      }
      try {
        await this.api.start(config);
      } catch (err) {
        new Notice(needsIdentity(err)
          ? 'Tzimtzum is installed. To share or subscribe, create or import an identity in its settings.'
          : `Tzimtzum did not start: ${messageOf(err)}`, 0);
      }
    });
  }

  /** Stop the peer (closing swarm and store); later starts of any instance wait for this. */
  stop(): Promise<void> {
    const stopped = this.enqueue(() => this.api.stop().catch((err: unknown) => {
      new Notice(`Tzimtzum did not shut down cleanly: ${messageOf(err)}`);
    }));
    lastStop = stopped;
    return stopped;
  }

  /** Stop, then start with the current settings. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Resolves when every start and stop asked for so far has finished. */
  idle(): Promise<void> {
    return this.work;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.work = this.work.then(step, step);
    return this.work;
  }
}
