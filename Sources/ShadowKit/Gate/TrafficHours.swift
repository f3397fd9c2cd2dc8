import Foundation

/// The hours of production traffic a run stands for, and how they were obtained: what failed jobs per hour
/// divide by.
///
/// Recorded traffic counts the time it spans: the union of its scenarios' intervals, so scenarios that ran side
/// by side count once (never the sum of their durations). Generated traffic has no real hours: its commands count
/// at the production rate the criteria table states (`< 1/hour at 50,000 commands/hour`); without one it cannot
/// be judged.
public struct TrafficHours: Sendable, Equatable {
    public var hours: Double
    /// "4.2 h spanned by recorded traffic + 4.0 h of generated traffic (200,000 commands at 50,000 commands/hour)".
    public var how: String

    /// Why a run's hours cannot be told.
    public struct Missing: Error, Sendable, Equatable {
        public var reason: String
    }

    public static func of(_ run: StoredRun, commandsPerHour: Double?) -> Result<TrafficHours, Missing> {
        guard let spanned = run.header.trafficSeconds else {
            return .failure(Missing(reason: "run \(run.id) was stored before traffic hours were recorded; run it again"))
        }
        let recordedHours = spanned / 3600
        var parts: [String] = []
        if recordedHours > 0 { parts.append(String(format: "%.1f h spanned by recorded traffic", recordedHours)) }
        let generated = run.header.syntheticCommands ?? 0
        var generatedHours = 0.0
        if generated > 0 {
            guard let commandsPerHour, commandsPerHour > 0 else {
                return .failure(Missing(
                    reason: "\(Format.count(generated)) commands of generated traffic have no real hours; state the "
                        + "production rate in the target, e.g. \"< 1/hour at 50,000 commands/hour\""))
            }
            generatedHours = Double(generated) / commandsPerHour
            parts.append(String(format: "%.1f h of generated traffic", generatedHours)
                         + " (\(Format.count(generated)) commands at \(Format.count(Int(commandsPerHour.rounded()))) commands/hour)")
        }
        return .success(TrafficHours(hours: recordedHours + generatedHours,
                                     how: parts.isEmpty ? "no traffic" : parts.joined(separator: " + ")))
    }
}
