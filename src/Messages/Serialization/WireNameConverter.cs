using BlueZero.Messages.Wire;
using Newtonsoft.Json;

namespace BlueZero.Messages.Serialization;

/// <summary>
/// Writes the enums of <see cref="WireNames"/> as their wire strings and reads them back, so messages between nodes
/// and the process table on disk keep the strings they had before these were enums.
/// </summary>
public sealed class WireNameConverter : JsonConverter
{
    public static readonly WireNameConverter Instance = new();

    public override bool CanConvert(Type objectType) => TableOf(objectType) is not null;

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null) writer.WriteNull();
        else writer.WriteValue(TableOf(value.GetType())!.NameOf(value));
    }

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        var table = TableOf(objectType)!;
        if (reader.TokenType == JsonToken.Null && Nullable.GetUnderlyingType(objectType) is not null) return null;
        if (reader.TokenType == JsonToken.String && table.TryParse((string)reader.Value!, out var value)) return value;
        throw new JsonSerializationException($"{reader.Path}: {reader.Value ?? reader.TokenType.ToString()} is not a {table.EnumType.Name}");
    }

    private static IWireNames? TableOf(Type type) => WireNames.For(Nullable.GetUnderlyingType(type) ?? type);
}
