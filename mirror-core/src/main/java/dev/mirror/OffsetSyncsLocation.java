package dev.mirror;

/**
 * Where a flow writes MirrorMaker 2-format offset syncs, for tools that read them (MirrorMaker 2's
 * checkpoint connector, its offset-sync formatter). Mirror's own offset translation does not need them: it
 * keeps an exact mapping in its state topic on the target.
 *
 * @since 0.1.0
 */
public enum OffsetSyncsLocation {
  /**
   * On the source cluster, in {@code mm2-offset-syncs.<target>.internal}: MirrorMaker 2's default. Needs
   * permission to create and write that topic on the source.
   */
  SOURCE,
  /**
   * On the target cluster, in {@code mm2-offset-syncs.<source>.internal} (MirrorMaker 2's KIP-716 option).
   * Mirror's default, so the source cluster can stay read-only.
   */
  TARGET
}
