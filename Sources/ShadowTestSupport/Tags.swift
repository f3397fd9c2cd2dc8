import Testing

extension Tag {
    /// Tests that take seconds, not milliseconds (big generated runs, worker processes, worker-count
    /// comparisons): `swift test --skip-tags slow` is the quick loop; `make test` runs everything.
    @Tag public static var slow: Self
}
