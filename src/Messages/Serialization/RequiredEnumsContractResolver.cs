using System.Reflection;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace BlueZero.Messages.Serialization;

/// <summary>
/// Makes every non-nullable enum member required: Newtonsoft would fill a missing one with the enum's first value
/// (a message or a stored entry without a state would read as running), where a missing string used to be refused.
/// The one exception is <see cref="ErrorCode"/>: nodes of an earlier version send no code, and its first value,
/// <see cref="ErrorCode.NodeFailure"/>, is the right reading of that.
/// </summary>
public sealed class RequiredEnumsContractResolver : DefaultContractResolver
{
    public static readonly RequiredEnumsContractResolver Instance = new();

    // Only members that are read back: a computed one (StartProcess.EffectiveOutput) is written, never read.
    protected override JsonProperty CreateProperty(MemberInfo member, MemberSerialization memberSerialization)
    {
        var property = base.CreateProperty(member, memberSerialization);
        return property.Writable ? Require(property) : property;
    }

    protected override IList<JsonProperty> CreateConstructorParameters(ConstructorInfo constructor, JsonPropertyCollection memberProperties) =>
        base.CreateConstructorParameters(constructor, memberProperties).Select(Require).ToList();

    private static JsonProperty Require(JsonProperty property)
    {
        if (property.PropertyType is { IsEnum: true } type && type != typeof(ErrorCode)) property.Required = Required.Always;
        return property;
    }
}
