package dev.finetoon.face;

/**
 * A position in a photo, in pixels: x to the right, y down, (0, 0) the centre of the top-left pixel (the convention of
 * dlib and of the FFHQ landmark files).
 *
 * <pre>{@code
 * Point eye = new Point(412.5, 380.0);
 * }</pre>
 */
public record Point(double x, double y) {}
