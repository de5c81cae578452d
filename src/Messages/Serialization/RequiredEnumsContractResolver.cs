using System.Reflection;
using System.Runtime.CompilerServices;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace BlueZero.Messages.Serialization;

/// <summary>
/// Makes every non-nullable enum member required: Newtonsoft would fill a missing one with the enum's first value
/// (a message or a stored entry without a state would read as running), where a missing string used to be refused.
/// The one exception is <see cref="ErrorCode"/>: nodes of an earlier version send no code, and its first value,
/// <see cref="ErrorCode.NodeFailure"/>, is the right reading of that.
/// <para>
/// The events, and the records every start, stop and query carries, are also read without their constructors
/// (<see cref="FilledBySetters"/>).
/// </para>
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

    /// <summary>
    /// Records read as an empty object filled through their setters, not through their constructor. Newtonsoft calls a
    /// constructor with parameters by collecting every value first (a context object per parameter, LINQ over the
    /// properties): that made a quarter of the hub's allocations under start+stop load, most of it the events, which
    /// the hub takes in by the thousand (bench/PROFILE.md). Only for records that read the same either way: every
    /// writable property a parameter of the one constructor, every parameter's default its type's default (checked in
    /// <see cref="RequireFillableBySetters"/>, so a record changed otherwise fails every round trip instead of reading
    /// a missing field differently). Required members are still refused.
    /// </summary>
    private static readonly IReadOnlySet<Type> FilledBySetters = new HashSet<Type>
    {
        typeof(MeshEvent), typeof(JournaledEvent), typeof(EventBatch),
        // and what every start, stop and query carries
        typeof(StartProcess), typeof(StopProcess), typeof(QueryProcessStatus), typeof(ProcessTarget),
        typeof(ProcessStarted), typeof(ProcessStopped), typeof(ProcessStatus), typeof(ProcessInfo), typeof(ProcessExit),
        typeof(ResourceUsage),
    };

    protected override JsonObjectContract CreateObjectContract(Type objectType)
    {
        var contract = base.CreateObjectContract(objectType);
        if (FilledBySetters.Contains(objectType))
        {
            RequireFillableBySetters(objectType);
            contract.DefaultCreator = () => RuntimeHelpers.GetUninitializedObject(objectType);
            contract.DefaultCreatorNonPublic = false;
        }
        return contract;
    }

    private static void RequireFillableBySetters(Type type)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => c.GetParameters() is not [var only] || only.ParameterType != type) // a record's copy constructor is protected
            .ToList();
        var parameters = constructors is [var constructor] ? constructor.GetParameters() : null;
        var problem = parameters switch
        {
            null => "it has no single public constructor",
            _ when parameters.FirstOrDefault(p => p.HasDefaultValue && p.DefaultValue is not null
                && !p.DefaultValue.Equals(p.ParameterType.IsValueType ? Activator.CreateInstance(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) : null))
                is { } parameter => $"parameter {parameter.Name} defaults to {parameter.DefaultValue}",
            _ when type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(p => p.CanWrite && !parameters.Any(q => q.Name == p.Name)) is { } extra
                => $"property {extra.Name} is not a constructor parameter (it may have an initializer)",
            _ => null,
        };
        if (problem is not null)
            throw new InvalidOperationException($"{type.Name} cannot be read through its setters: {problem}");
    }

    protected override IList<JsonProperty> CreateConstructorParameters(ConstructorInfo constructor, JsonPropertyCollection memberProperties) =>
        base.CreateConstructorParameters(constructor, memberProperties).Select(Require).ToList();

    private static JsonProperty Require(JsonProperty property)
    {
        if (property.PropertyType is { IsEnum: true } type && type != typeof(ErrorCode)) property.Required = Required.Always;
        return property;
    }
}
