using BlueZero.Messages.Wire;

namespace BlueZero.Hub.Http;

/// <summary>How every answer of the front door leaves, endpoints and middlewares alike: a JSON body with a status.</summary>
public static class JsonReply
{
    public static async Task Write(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    /// <param name="operation">The request's operation when it is known: the error then also appears under its key.</param>
    public static Task Error(HttpContext context, int status, string message, string? operation = null) =>
        Write(context, status, WireResponseWriter.Error(message, operation));
}
