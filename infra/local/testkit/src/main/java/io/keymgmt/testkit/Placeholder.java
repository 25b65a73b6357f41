package io.keymgmt.testkit; final class Placeholder {}
