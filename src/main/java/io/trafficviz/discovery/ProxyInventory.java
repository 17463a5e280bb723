package io.trafficviz.discovery;

import java.util.List;
import java.util.Optional;

/**
 * What one Traefik proxy routes: its routers, services and entry points at one moment.
 *
 * @param version         Traefik version as its API reports it; null when read from a file-provider configuration
 * @param routers         HTTP routers (never null)
 * @param services        HTTP services (never null)
 * @param entryPoints     entry points (never null; empty for a file-provider configuration, which has none)
 * @param fetchedAtMillis when this inventory was read, epoch milliseconds
 */
public record ProxyInventory(String version, List<Router> routers, List<Service> services,
                             List<EntryPoint> entryPoints, long fetchedAtMillis) {

    public ProxyInventory {
        routers = routers == null ? List.of() : List.copyOf(routers);
        services = services == null ? List.of() : List.copyOf(services);
        entryPoints = entryPoints == null ? List.of() : List.copyOf(entryPoints);
    }

    /** The service with this qualified name, if any. */
    public Optional<Service> service(String qualifiedName) {
        return services.stream().filter(s -> s.name().equals(qualifiedName)).findFirst();
    }

    /** The router with this qualified name, if any. */
    public Optional<Router> router(String qualifiedName) {
        return routers.stream().filter(r -> r.name().equals(qualifiedName)).findFirst();
    }

    /** True when both inventories describe the same routing, whatever their fetch times. */
    public boolean sameContentAs(ProxyInventory other) {
        return other != null
                && java.util.Objects.equals(version, other.version)
                && routers.equals(other.routers)
                && services.equals(other.services)
                && entryPoints.equals(other.entryPoints);
    }

    /** {@code api@internal} → {@code api}; a name without {@code @provider} is returned as it is (null stays null). */
    public static String bareName(String qualified) {
        if (qualified == null) {
            return null;
        }
        int at = qualified.indexOf('@');
        return at < 0 ? qualified : qualified.substring(0, at);
    }

    /** The provider part of {@code name@provider}, or null when the name is unqualified. */
    public static String providerOf(String qualified) {
        if (qualified == null) {
            return null;
        }
        int at = qualified.indexOf('@');
        return at < 0 ? null : qualified.substring(at + 1);
    }

    /**
     * Qualifies {@code name} with {@code provider} unless it already names one, the way Traefik resolves a
     * router's or a weighted service's reference to a service of the same provider.
     */
    public static String qualify(String name, String provider) {
        if (name == null || name.isEmpty() || name.contains("@") || provider == null || provider.isEmpty()) {
            return name;
        }
        return name + "@" + provider;
    }
}
