/**
 * Reads MirrorMaker 2 {@code mm2.properties} configurations for {@link dev.mirror.Mm2Properties}: the key
 * catalogue, Kafka client key handling and the parser. Not public API; may change in any release.
 */
@NullMarked
package dev.mirror.internal.mm2;

import org.jspecify.annotations.NullMarked;
