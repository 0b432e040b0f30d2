/** Implementation of Mirror; not public API, may change in any release. */
@NullMarked
package dev.mirror.internal.engine;

import org.jspecify.annotations.NullMarked;
