// A knowledge base's status as the front ends show it, from what the peer knows of it.
import z32 from 'z32';
import type { KnowledgeBase } from '../engine/knowledge-base';
import type { Mount } from '../mount/mount';
import { formatShareLink } from '../net/share-link';
import type { TopicStatus } from '../net/swarm';
import type { KnowledgeBaseStatus } from './peer-types';
import type { ShareRecord, SubscriptionRecord } from './registry';

export interface KnowledgeBaseParts {
  /** Its record if this device writes it, */
  share?: ShareRecord;
  /** or if it follows (mounts or seeds) it. */
  subscription?: SubscriptionRecord;
  /** Null while it is not open. */
  kb: KnowledgeBase | null;
  mount: Mount | null;
  network: TopicStatus | null;
}

export function describeKnowledgeBase(id: string, { share, subscription, kb, mount, network }: KnowledgeBaseParts): KnowledgeBaseStatus {
  return {
    id,
    role: share ? 'shared' : subscription?.folder ? 'subscribed' : 'seeded',
    title: share?.title ?? subscription?.name ?? id,
    folder: share?.folder ?? subscription?.folder ?? null,
    // A writer's link names the signed view and its file tree, so fresh readers can jump to the one and look
    // notes up in the other meanwhile.
    link: formatShareLink({
      key: z32.decode(id), name: share?.title ?? subscription?.name,
      ...(share && kb ? { view: kb.systemKey ?? undefined, tree: kb.treeKey ?? undefined } : {}),
    }),
    writable: kb?.writable ?? false,
    version: kb?.version ?? 0,
    files: mount?.fileCount ?? null,
    mode: subscription?.mode ?? null,
    paused: subscription?.paused ?? false,
    network,
    upgradeNeeded: kb?.upgradeNeeded ?? null,
  };
}
