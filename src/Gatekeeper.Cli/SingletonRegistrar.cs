using Spectre.Console;
using Spectre.Console.Cli;

namespace Gatekeeper.Cli;

/// <summary>Gives commands the console they write to; nothing else is injected.</summary>
internal sealed class SingletonRegistrar : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, object> _instances = [];
    private readonly Dictionary<Type, Type> _types = [];

    public SingletonRegistrar(IAnsiConsole console) => _instances[typeof(IAnsiConsole)] = console;

    public ITypeResolver Build() => this;

    public void Register(Type service, Type implementation) => _types[service] = implementation;

    public void RegisterInstance(Type service, object implementation) => _instances[service] = implementation;

    public void RegisterLazy(Type service, Func<object> factory) => _instances[service] = factory();

    public object? Resolve(Type? type)
    {
        if (type is null) return null;
        if (_instances.TryGetValue(type, out var instance)) return instance;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            var element = type.GetGenericArguments()[0];
            var registered = Resolve(element);
            var array = Array.CreateInstance(element, registered is null ? 0 : 1);
            if (registered is not null) array.SetValue(registered, 0);
            return array;
        }
        var implementation = _types.GetValueOrDefault(type, type);
        if (implementation.IsAbstract || implementation.IsInterface) return null;
        var constructor = implementation.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke(constructor.GetParameters().Select(p => Resolve(p.ParameterType)).ToArray());
    }
}
