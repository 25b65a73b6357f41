package io.keymgmt.emulator; public final class Main { public static void main(String[] a) {} }
