using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;

namespace BlueZero.Messages.Serialization;

/// <summary>
/// Serializes the internal protocol that crosses the wire. Each type has a fixed, short manifest; a manifest
/// that is not in <see cref="Manifests"/> is refused before any type is resolved, and Newtonsoft runs without
/// TypeNameHandling, so a sender can never make this node instantiate a type of its choosing.
/// </summary>
public sealed class BlueZeroSerializer : SerializerWithStringManifest
{
    public const int SerializerIdentifier = 0xB0_0001;

    /// <summary>The whole internal wire protocol. Adding a message means adding a line here.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>
    {
        ["start"] = typeof(StartProcess),
        ["stop"] = typeof(StopProcess),
        ["restart"] = typeof(RestartProcess),
        ["query"] = typeof(QueryProcessStatus),
        ["list"] = typeof(ListActiveProcesses),
        ["list-all"] = typeof(ListProcesses),
        ["unschedule"] = typeof(Unschedule),
        ["kill-all"] = typeof(KillAll),
        ["started"] = typeof(ProcessStarted),
        ["stopped"] = typeof(ProcessStopped),
        ["restarted"] = typeof(ProcessRestarted),
        ["status"] = typeof(ProcessStatus),
        ["active"] = typeof(ActiveProcesses),
        ["processes"] = typeof(ProcessList),
        ["unscheduled"] = typeof(Unscheduled),
        ["killed"] = typeof(AllKilled),
        ["failed"] = typeof(CommandFailed),
        ["read-output"] = typeof(ReadOutput),
        ["output"] = typeof(OutputRead),
        ["stats-query"] = typeof(ProcessStatsQuery),
        ["stats"] = typeof(ProcessStats),
        ["node-state-query"] = typeof(NodeStateQuery),
        ["node-state"] = typeof(NodeState),
        ["host-info-query"] = typeof(HostInfoQuery),
        ["host-info"] = typeof(HostInfo),
        ["register"] = typeof(RegisterNode),
        ["registered"] = typeof(NodeRegistered),
        ["refused"] = typeof(NodeRegistrationRefused),
        ["rejoin"] = typeof(RejoinRequired),
        ["event-batch"] = typeof(EventBatch),
        ["events-stored"] = typeof(EventsStored),
        ["check-tcp"] = typeof(CheckTcp),
        ["tcp-checked"] = typeof(TcpChecked),
    };

    private static readonly IReadOnlyDictionary<Type, string> ManifestByType =
        Manifests.ToDictionary(pair => pair.Value, pair => pair.Key);

    private readonly JsonSerializerSettings _settings;

    public BlueZeroSerializer(ExtendedActorSystem system) : base(system)
    {
        _settings = new JsonSerializerSettings
        {
            TypeNameHandling = TypeNameHandling.None,
            MaxDepth = 32,
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new ActorRefConverter(system), WireNameConverter.Instance },
            ContractResolver = RequiredEnumsContractResolver.Instance,
        };
    }

    public override int Identifier => SerializerIdentifier;

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} is not part of the BlueZero wire protocol");

    public override byte[] ToBinary(object obj)
    {
        Manifest(obj); // refuse unregistered types on the way out too
        return Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(obj, _settings));
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown BlueZero manifest '{Truncate(manifest)}'; refusing to deserialize");
        object? message;
        try
        {
            message = JsonConvert.DeserializeObject(Encoding.UTF8.GetString(bytes), type, _settings);
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"malformed payload for manifest '{manifest}': {ex.Message}", ex);
        }
        if (message is null) throw new SerializationException($"empty payload for manifest '{manifest}'");
        RequireNonNullableMembers(message);
        return message;
    }

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, bool Required)[]> CheckedProperties = new();

    /// <summary>
    /// Newtonsoft leaves a missing field null even where the record says it cannot be; a peer must not be able to
    /// hand our actors such a message, so non-nullable members, entries of lists and maps, and targets are checked.
    /// </summary>
    private static void RequireNonNullableMembers(object message, int depth = 0)
    {
        if (depth > 8) throw new SerializationException("message nested too deeply");
        var properties = CheckedProperties.GetOrAdd(message.GetType(), type =>
        {
            var context = new NullabilityInfoContext();
            return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => !p.PropertyType.IsValueType && p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(Type))
                .Select(p => (p, context.Create(p).ReadState == NullabilityState.NotNull))
                .ToArray();
        });
        foreach (var (property, required) in properties)
        {
            var value = property.GetValue(message);
            var member = $"{message.GetType().Name}.{property.Name}";
            switch (value)
            {
                case null when required:
                    throw new SerializationException($"{member} is missing");
                case IDictionary map when map.Values.Cast<object?>().Any(v => v is null):
                    throw new SerializationException($"{member} holds a null value");
                case IEnumerable items and not string when items.Cast<object?>().Any(item => item is null):
                    throw new SerializationException($"{member} holds a null entry");
                case ProcessTarget target when !target.IsWellFormed:
                    throw new SerializationException($"{member} must name exactly one of a positive pid or a non-empty name");
            }
            // Records of the protocol nested inside (a restart policy, a process entry) get the same checks.
            if (value is not null && IsProtocolRecord(value.GetType()))
                RequireNonNullableMembers(value, depth + 1);
            else if (value is IEnumerable nested and not string and not IDictionary)
                foreach (var item in nested)
                    if (item is not null && IsProtocolRecord(item.GetType()))
                        RequireNonNullableMembers(item, depth + 1);
        }
    }

    private static bool IsProtocolRecord(Type type) => type.Namespace == typeof(IBlueZeroMessage).Namespace && type.IsClass;

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    /// <summary>Actor references travel as their serialized path and are resolved by the receiving system.</summary>
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override void WriteJson(JsonWriter writer, IActorRef? value, JsonSerializer serializer)
        {
            if (value is null) writer.WriteNull();
            else writer.WriteValue(Akka.Serialization.Serialization.SerializedActorPath(value));
        }

        public override IActorRef? ReadJson(JsonReader reader, Type objectType, IActorRef? existingValue,
            bool hasExistingValue, JsonSerializer serializer) => reader.TokenType switch
        {
            JsonToken.String => system.Provider.ResolveActorRef((string)reader.Value!),
            JsonToken.Null => null,
            _ => throw new JsonSerializationException($"an actor reference must be a path string, not {reader.TokenType}"),
        };
    }
}
