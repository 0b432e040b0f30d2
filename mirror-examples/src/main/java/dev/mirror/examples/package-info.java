/** Runnable examples of Mirror's use cases, each on embedded Kafka clusters. */
@NullMarked
package dev.mirror.examples;

import org.jspecify.annotations.NullMarked;
