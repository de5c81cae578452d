using BlueZero.Messages.Serialization;
using Newtonsoft.Json;

namespace BlueZero.ProcessManager.State;

/// <summary>How the node writes its own files (process table, event journal): one home for the JSON settings.</summary>
internal static class DiskJson
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        TypeNameHandling = TypeNameHandling.None,
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.DateTimeOffset,
        Formatting = Formatting.None,
        // States, reasons and event types are enums inside, their wire strings on disk: a node upgraded in place reads its old files.
        Converters = { WireNameConverter.Instance },
        ContractResolver = RequiredEnumsContractResolver.Instance,
    };

    /// <summary>Writes a temporary file, then renames it over <paramref name="path"/>: a reader sees the old content or the new.</summary>
    public static void ReplaceAtomically(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
