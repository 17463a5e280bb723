package io.trafficviz.dev.stack;

import io.trafficviz.dev.demo.DemoService;
import io.trafficviz.dev.demo.ServiceStats;

import java.net.URI;

/** A demo service running in this JVM. */
final class InProcessService implements ServiceHandle {
    private final DemoService service;

    InProcessService(DemoService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return service.name();
    }

    @Override
    public URI baseUri() {
        return service.baseUri();
    }

    @Override
    public ServiceStats.Snapshot stats() {
        return service.stats().snapshot();
    }

    @Override
    public void stop() {
        service.close();
    }

    @Override
    public void start() {
        if (!service.running()) {
            service.start();
        }
    }

    @Override
    public boolean running() {
        return service.running();
    }

    @Override
    public String describe() {
        return "in this JVM on " + baseUri();
    }
}
