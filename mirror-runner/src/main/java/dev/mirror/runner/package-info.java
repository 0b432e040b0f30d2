/**
 * A standalone process that runs the flows of a MirrorMaker 2 {@code mm2.properties} file with Mirror, the
 * drop-in for {@code connect-mirror-maker.sh}:
 *
 * <pre>
 * java -jar mirror-runner-&lt;version&gt;-all.jar mm2.properties [--clusters B ...]
 * </pre>
 *
 * <p>See {@link dev.mirror.runner.MirrorRunner} for the options, output and exit codes, and
 * {@link dev.mirror.Mm2Properties} for how each key is read.
 */
@NullMarked
package dev.mirror.runner;

import org.jspecify.annotations.NullMarked;
